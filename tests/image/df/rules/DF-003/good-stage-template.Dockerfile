ARG TARGETOS
FROM golang:1.22 AS binaries-linux
RUN echo linux
FROM golang:1.22 AS binaries-windows
RUN echo windows
FROM binaries-$TARGETOS
USER 10001
