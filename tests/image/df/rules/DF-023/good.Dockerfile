FROM node:20-alpine
ENV NODE_TLS_REJECT_UNAUTHORIZED=1 GIT_SSL_NO_VERIFY=false
RUN curl -fsSL --keepalive-time 2 -o /tmp/x https://example.com/x \
 && wget -q --no-verbose https://example.com/y \
 && npm config set strict-ssl true \
 && pip install --index-url https://pypi.internal/simple bar
USER 1
