FROM debian:12 AS base
USER root
RUN echo something
USER 10001
FROM scratch
USER 10001
