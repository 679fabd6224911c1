# source: hadolint DL4006Spec
# expect: DF-025
FROM debian:12 AS a
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
FROM debian:12
RUN wget -O - https://some.site | wc -l
