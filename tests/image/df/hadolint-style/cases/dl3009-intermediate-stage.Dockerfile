# source: hadolint DL3009Spec
# expect-not: DF-020
FROM debian:12 AS build
RUN apt-get update && apt-get install -y python=2.7
FROM scratch
COPY --from=build /usr/bin/python /python
