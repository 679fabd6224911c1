# source: hadolint DL4006Spec
# expect: DF-025
FROM debian:12
SHELL ["/bin/bash", "-c"]
RUN wget -O - https://some.site | wc -l
