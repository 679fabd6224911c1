# source: Trivy latest_tag.yaml bad
# expect: DF-003
FROM debian:latest
RUN apt-get update && apt-get -y install vim && apt-get clean
USER foo
