# source: BuildKit COPY --chmod / issue 4
# expect-not: DF-010
FROM alpine:3.20
COPY --chmod=755 app /usr/bin/app
