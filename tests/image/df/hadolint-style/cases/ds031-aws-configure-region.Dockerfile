# source: Trivy DS-0031 (a setting that is not a credential)
# expect-not: DF-030
FROM amazon/aws-cli:2.15.0
RUN aws configure set region us-east-1
