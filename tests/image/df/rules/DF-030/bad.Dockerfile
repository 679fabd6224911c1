FROM amazon/aws-cli:2.15.0
RUN aws configure set aws_access_key_id AKIDEXAMPLE && \
    aws configure set aws_secret_access_key wJalrXUtnFEMIEXAMPLEKEY
USER 10001
