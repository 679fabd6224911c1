# source: BuildKit COPY --chmod / issue 4
# expect: DF-010
FROM alpine:3.20
COPY --chmod=4755 app /usr/bin/app
