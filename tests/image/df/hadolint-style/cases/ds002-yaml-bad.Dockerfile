# source: Trivy root_user.yaml bad
# expect: DF-004
FROM debian:9
RUN apt-get update && apt-get -y install vim && apt-get clean
