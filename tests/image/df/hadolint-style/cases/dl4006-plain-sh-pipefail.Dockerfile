# source: hadolint DL4006Spec (warns when using plain sh)
# expect: DF-025
FROM scratch AS build
SHELL ["/bin/sh", "-o", "pipefail", "-c"]
RUN wget -O - https://some.site | wc -l file > /number
