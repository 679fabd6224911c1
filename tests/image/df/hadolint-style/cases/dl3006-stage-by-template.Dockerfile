# source: moby/buildkit Dockerfile (FROM binaries-$TARGETOS picks a stage)
# expect-not: DF-003
ARG TARGETOS
FROM golang:1.22 AS binaries-linux
FROM golang:1.22 AS binaries-windows
FROM binaries-$TARGETOS
