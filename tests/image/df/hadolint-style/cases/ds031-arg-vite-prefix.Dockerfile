# source: Trivy DS-0031 leaked_secrets_test.rego
# expect: DF-014
FROM busybox:1.36
ARG VITE_AWS_ACCESS_KEY_ID=REPLACE_WITH_YOUR_OWN
