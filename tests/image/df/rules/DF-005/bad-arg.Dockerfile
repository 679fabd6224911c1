FROM alpine:3.20
ARG RUN_AS=root
USER ${RUN_AS}
