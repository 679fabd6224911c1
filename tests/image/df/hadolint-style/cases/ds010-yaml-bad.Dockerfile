# source: Trivy run_using_sudo.yaml bad
# expect: DF-016
FROM alpine:3.13
RUN  sudo pip install --upgrade pip
USER mike
