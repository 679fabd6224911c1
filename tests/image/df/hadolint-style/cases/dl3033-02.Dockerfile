# source: hadolint DL3033Spec
# expect-not: DF-027
FROM rockylinux:9
RUN bash -c `# not even a yum command`
