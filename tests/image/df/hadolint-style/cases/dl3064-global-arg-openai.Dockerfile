# source: hadolint DL3064Spec
# expect: DF-014
ARG openai_api_key
FROM debian:bullseye
RUN foobar
