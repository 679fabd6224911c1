# source: Trivy DS-0002 root_user_test.rego
# expect: DF-005
FROM alpine:3.13
RUN apt-get update
USER user1
RUN apt-get update
USER root
RUN apt-get update
