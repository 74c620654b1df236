//! Builders for security groups.

use super::Kit;
use crate::sg;
use crate::world::Ctx;

impl Kit {
    /// A security group `name` of `vpc_id` (None: the default VPC) owned by the caller.
    pub fn security_group(&mut self, name: &str, vpc_id: Option<&str>) -> String {
        let ctx = self.ctx.clone();
        self.security_group_as(&ctx, name, vpc_id)
    }

    /// A security group `name` of `vpc_id` (None: the default VPC) owned by `ctx`'s caller.
    pub fn security_group_as(&mut self, ctx: &Ctx, name: &str, vpc_id: Option<&str>) -> String {
        self.id_as(
            ctx,
            sg::Cmd::Create {
                name: name.into(),
                description: "d".into(),
                vpc_id: vpc_id.map(str::to_string),
                tags: vec![],
            },
        )
    }
}
