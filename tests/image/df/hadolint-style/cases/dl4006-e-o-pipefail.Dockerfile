# source: hadolint DL4006Spec
# expect-not: DF-025
FROM scratch AS build
SHELL ["/bin/bash", "-e", "-o", "pipefail", "-c"]
RUN wget -O - https://some.site | wc -l file > /number
