//! The one test kit of the core: a world, a caller, commands applied through
//! [`World::apply`] as the server applies them, and the check that a refused command left the
//! world byte-identical.
//!
//! Area tests (`<area>/tests.rs`) build on [`Kit`]; builders of an area's resources live in
//! this folder's file of that area (`testkit/<area>.rs`), so every test makes a VPC, a subnet
//! or a peering the same way.

use crate::command::Command;
use crate::config::Config;
use crate::error::{ApiError, Result};
use crate::world::{Ctx, World};
use crate::{Millis, Output};

pub mod dhcp;
mod elb;
mod endpoint;
mod endpoint_service;
pub mod eni;
pub mod flowlog;
pub mod gateway;
pub mod insights;
pub mod keypair;
pub mod nacl;
pub mod network;
pub mod peering;
mod prefix_list;
pub mod route;
pub mod sg;
pub mod tgw;
pub mod tgw_peering;
pub mod vpn;

/// The first test account (the caller unless a test says otherwise).
pub const A: &str = "111111111111";
/// A second test account.
pub const B: &str = "222222222222";
/// A third test account.
pub const C: &str = "333333333333";
/// The Region tests run in unless they say otherwise.
pub const REGION: &str = "us-east-1";

/// A world and the caller commands run as.
#[derive(Debug)]
pub struct Kit {
    pub w: World,
    pub ctx: Ctx,
}

impl Default for Kit {
    fn default() -> Self {
        Kit::new()
    }
}

impl Kit {
    /// Account [`A`] in [`REGION`] at time 1,000 ms, its scope's defaults made (default VPC).
    pub fn new() -> Kit {
        Kit::with(Config::default(), 1, 1_000)
    }

    /// A kit with its own configuration, id seed and clock; account [`A`]'s scope made.
    pub fn with(config: Config, seed: u64, now: Millis) -> Kit {
        let mut kit = Kit {
            w: World::new(config, seed),
            ctx: Ctx::new(A, REGION, now),
        };
        kit.init(A, REGION);
        kit
    }

    /// A kit at the usual seed and clock whose configuration sets the quotas `limits`.
    pub fn with_quotas(limits: &[&str]) -> Kit {
        Kit::with(config_with_quotas(limits), 1, 1_000)
    }

    /// Makes the defaults of `account` in `region` (the server does this on first use).
    pub fn init(&mut self, account: &str, region: &str) {
        let ctx = Ctx::new(account, region, self.ctx.now);
        self.w
            .apply(&ctx, Command::InitScope)
            .unwrap_or_else(|e| panic!("init {account}/{region}: {e}"));
    }

    /// The caller `account` in the kit's Region, now; its scope's defaults made.
    pub fn as_account(&mut self, account: &str) -> Ctx {
        let scope = self.ctx.scope().clone();
        self.in_region(account, &scope.region)
    }

    /// The caller `account` in `region`, now; its scope's defaults made.
    pub fn in_region(&mut self, account: &str, region: &str) -> Ctx {
        let ctx = Ctx::new(account, region, self.ctx.now);
        if !self.w.scope_ready(ctx.scope()) {
            self.init(account, region);
        }
        ctx
    }

    /// Runs `cmd` as the kit's caller.
    pub fn run(&mut self, cmd: impl Into<Command>) -> Result<Output> {
        let ctx = self.ctx.clone();
        self.w.apply(&ctx, cmd.into())
    }

    /// Runs `cmd` as `ctx`.
    pub fn run_as(&mut self, ctx: &Ctx, cmd: impl Into<Command>) -> Result<Output> {
        self.w.apply(ctx, cmd.into())
    }

    /// Runs `cmd`, which must succeed.
    pub fn ok(&mut self, cmd: impl Into<Command>) -> Output {
        let cmd = cmd.into();
        let label = format!("{cmd:?}");
        self.run(cmd)
            .unwrap_or_else(|e| panic!("{label}: unexpected {e}"))
    }

    /// Runs `cmd`, which must succeed with one id, and returns the id.
    pub fn id(&mut self, cmd: impl Into<Command>) -> String {
        id_of(Ok(self.ok(cmd)))
    }

    /// Runs `cmd` as `ctx`, which must succeed with one id.
    pub fn id_as(&mut self, ctx: &Ctx, cmd: impl Into<Command>) -> String {
        id_of(self.run_as(ctx, cmd))
    }

    /// Runs `cmd`, which must fail with `code` and leave the world exactly as it was.
    pub fn refused(&mut self, cmd: impl Into<Command>, code: &str) -> ApiError {
        let ctx = self.ctx.clone();
        self.refused_as(&ctx, cmd, code)
    }

    /// Runs `cmd` as `ctx`, which must fail with `code` and leave the world unchanged.
    pub fn refused_as(&mut self, ctx: &Ctx, cmd: impl Into<Command>, code: &str) -> ApiError {
        let cmd = cmd.into();
        let label = format!("{cmd:?}");
        let before = snapshot(&self.w);
        match self.w.apply(ctx, cmd) {
            Ok(out) => panic!("{label}: expected {code}, got {out:?}"),
            Err(e) => {
                assert_eq!(e.code, code, "{label}: {}", e.message);
                assert!(
                    snapshot(&self.w) == before,
                    "{label}: the refused command changed the world"
                );
                e
            }
        }
    }

    /// Runs `cmd` as `account` (in the kit's Region), which must fail with `code` and a
    /// message containing `fragment`, and leave the world unchanged.
    pub fn refused_saying(
        &mut self,
        account: &str,
        cmd: impl Into<Command>,
        code: &str,
        fragment: &str,
    ) -> ApiError {
        let ctx = self.as_account(account);
        let e = self.refused_as(&ctx, cmd, code);
        assert!(
            e.message.contains(fragment),
            "`{}` lacks `{fragment}`",
            e.message
        );
        e
    }

    /// Moves the clock by `ms` and runs the timers that fall due.
    pub fn advance(&mut self, ms: Millis) {
        self.ctx.now += ms;
        self.w.tick(self.ctx.now);
    }
}

/// The default configuration with the quotas `limits` (as `--quota` takes them:
/// `name=value` or `account:name=value`).
pub fn config_with_quotas(limits: &[&str]) -> Config {
    let mut config = Config::default();
    for limit in limits {
        config
            .quotas
            .set_from_arg(limit)
            .unwrap_or_else(|e| panic!("quota {limit}: {e}"));
    }
    config
}

/// The world as bytes, to compare before and after a command.
pub fn snapshot(w: &World) -> String {
    serde_json::to_string(w).expect("a world serialises")
}

/// The id of a command's output, which must be one id.
pub fn id_of(out: Result<Output>) -> String {
    match out {
        Ok(Output::Id(id)) => id,
        other => panic!("expected an id, got {other:?}"),
    }
}

#[cfg(test)]
mod tests;
