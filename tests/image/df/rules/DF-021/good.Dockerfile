FROM alpine:3.20
HEALTHCHECK --interval=30s CMD ["/bin/app", "health"]
USER 10001
