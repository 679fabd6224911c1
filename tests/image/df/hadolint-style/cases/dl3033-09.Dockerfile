# source: hadolint DL3033Spec
# expect-not: DF-027
FROM rockylinux:9
RUN yum install -y "which-${WHICH_VERSION}" && yum clean all
