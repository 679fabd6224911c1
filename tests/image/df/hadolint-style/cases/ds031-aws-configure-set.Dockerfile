# source: Trivy DS-0031 leaked_secrets_test.rego (RUN)
# expect: DF-030
FROM amazon/aws-cli:2.15.0
RUN aws configure set aws_access_key_id test-id &&     aws configure set aws_secret_access_key test-key
