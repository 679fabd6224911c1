# source: Trivy DS-0031 leaked_secrets_test.rego
# expect-not: DF-014
FROM busybox:1.36
ENV GOOGLE_APPLICATION_CREDENTIALS /credentials/google-storage-service.json
