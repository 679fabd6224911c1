FROM alpine:3.20
RUN wget -O - https://example.com/x.tgz | tar -xz -C /opt
USER 1
