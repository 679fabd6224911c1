# source: hadolint DL3008Spec
# expect-not: DF-027
FROM debian:12
RUN apt-get install -y ./wkhtmltox_0.12.5-1.buster_amd64.deb
