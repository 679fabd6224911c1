FROM alpine:3.20
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \
    && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/tool.tgz" | sha256sum -c - \
    && curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt \
    && echo "curl | sh is bad" > /tmp/note
USER 10001
