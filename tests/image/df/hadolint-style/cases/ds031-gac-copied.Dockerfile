# source: Trivy DS-0031 leaked_secrets_test.rego
# expect: DF-014
FROM busybox:1.36
COPY /src /app/
ENV GOOGLE_APPLICATION_CREDENTIALS ./app/google-storage-service.json
