# source: Trivy run_using_sudo.yaml good
# expect-not: DF-016
FROM alpine:3.13
RUN  pip install --upgrade pip
USER mike
