# source: hadolint DL4006Spec
# expect-not: DF-025
FROM scratch AS build
RUN wget -O - https://some.site && wc -l file > /number
