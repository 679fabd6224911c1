FROM alpine:3.20
RUN ["chmod", "4755", "/usr/local/bin/helper"]
USER 10001
