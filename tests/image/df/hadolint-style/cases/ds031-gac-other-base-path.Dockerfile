# source: Trivy DS-0031 leaked_secrets_test.rego
# expect-not: DF-014
FROM busybox:1.36
COPY /src /src
ENV GOOGLE_APPLICATION_CREDENTIALS=./app/google-storage-service.json
