# source: issue 4: shell in distroless
# expect: DF-009
FROM busybox:1.36 AS bb
FROM gcr.io/distroless/static-debian12
COPY --from=bb /bin/busybox /bin/sh
