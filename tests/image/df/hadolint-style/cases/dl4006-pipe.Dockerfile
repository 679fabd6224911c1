# source: hadolint DL4006Spec
# expect: DF-025
FROM debian:12
RUN wget -O - https://some.site | wget -O - https://other.site
