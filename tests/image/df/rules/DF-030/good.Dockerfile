FROM amazon/aws-cli:2.15.0
# credentials reach only the one command, through a secret mount exported as env
RUN --mount=type=secret,id=aws-key-id,env=AWS_ACCESS_KEY_ID \
    --mount=type=secret,id=aws-secret,env=AWS_SECRET_ACCESS_KEY \
    aws s3 cp s3://bucket/model.bin /models/ && aws configure set region us-east-1
USER 10001
