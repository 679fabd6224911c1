FROM alpine:3.20
RUN curl -fsSLk https://example.com/tool -o /usr/local/bin/tool
USER 1
