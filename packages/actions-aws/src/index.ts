// @firstline/actions-aws: AWS probes and remediations (EC2, Route 53, SSM, CloudWatch, Auto Scaling) for Firstline playbooks.
// Nothing is exported yet; see the open issues for what lands here.
export {};
