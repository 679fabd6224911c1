# source: hadolint DL4006Spec
# expect-not: DF-025
FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -O - https://some.site | wc -l
