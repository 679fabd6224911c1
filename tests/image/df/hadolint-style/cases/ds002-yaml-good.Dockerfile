# source: Trivy root_user.yaml good
# expect-not: DF-004 DF-005
FROM debian:9
RUN apt-get update && apt-get -y install vim && apt-get clean
USER foo
