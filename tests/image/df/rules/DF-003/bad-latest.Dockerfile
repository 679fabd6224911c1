ARG TAG=latest
FROM alpine:${TAG}
USER 10001
