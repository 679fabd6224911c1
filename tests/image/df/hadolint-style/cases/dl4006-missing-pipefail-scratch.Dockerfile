# source: hadolint DL4006Spec
# expect: DF-025
FROM scratch
RUN wget -O - https://some.site | wc -l file > /number
