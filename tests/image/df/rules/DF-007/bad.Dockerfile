FROM alpine:3.20
USER 10001
RUN echo hello
USER root
CMD ["sh"]
