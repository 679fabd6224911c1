# source: hadolint DL4006Spec
# expect: DF-025
FROM scratch AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -O - https://some.site | wc -l file > /number
FROM scratch AS build2
RUN wget -O - https://some.site | wc -l file > /number
