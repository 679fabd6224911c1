# source: Trivy latest_tag.yaml good
# expect-not: DF-003
FROM debian:9
RUN apt-get update && apt-get -y install vim && apt-get clean
USER foo
