FROM alpine:3.20 AS build
USER 1000
FROM alpine:3.20
COPY --from=build /etc/hostname /x
