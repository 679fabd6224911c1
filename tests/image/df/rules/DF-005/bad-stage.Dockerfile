FROM debian:12 AS base
USER root
RUN echo something
FROM scratch
USER 10001
