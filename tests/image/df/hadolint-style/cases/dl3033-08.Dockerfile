# source: hadolint DL3033Spec
# expect-not: DF-027
FROM rockylinux:9
RUN yum install -y "git-core-${GIT_VER}" && yum clean all
