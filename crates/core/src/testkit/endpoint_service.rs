//! Builders for endpoint_service resources: services behind load balancers, permissions,
//! and the commands their tests edit.

use super::Kit;
use crate::endpoint_service::{Cmd, EndpointService, Modify};

impl Kit {
    /// A service of `account` behind network load balancer `nlb`.
    pub fn service(&mut self, account: &str, nlb: &str, acceptance_required: bool) -> String {
        let ctx = self.as_account(account);
        let mut cmd = Kit::create_service(&[nlb], &[]);
        if let Cmd::Create {
            acceptance_required: a,
            ..
        } = &mut cmd
        {
            *a = acceptance_required;
        }
        self.id_as(&ctx, cmd)
    }

    /// `account`, the owner of `service`, allows `principal` to use it.
    pub fn allow(&mut self, account: &str, service: &str, principal: &str) {
        let ctx = self.as_account(account);
        self.run_as(
            &ctx,
            Cmd::ModifyPermissions {
                service_id: service.into(),
                add: vec![principal.into()],
                remove: vec![],
            },
        )
        .unwrap_or_else(|e| panic!("allow {principal}: {e}"));
    }

    /// The endpoint service `id`, which must exist.
    pub fn svc(&self, id: &str) -> &EndpointService {
        self.w.endpoint_services.get(id).expect("endpoint service")
    }

    /// CreateVpcEndpointServiceConfiguration behind the given network or gateway load
    /// balancers, everything else left out.
    pub fn create_service(nlbs: &[&str], gwlbs: &[&str]) -> Cmd {
        Cmd::Create {
            network_load_balancer_arns: nlbs.iter().map(|s| s.to_string()).collect(),
            gateway_load_balancer_arns: gwlbs.iter().map(|s| s.to_string()).collect(),
            acceptance_required: false,
            private_dns_name: None,
            supported_ip_address_types: vec![],
            supported_regions: vec![],
            client_token: None,
            tags: vec![],
        }
    }

    /// ModifyVpcEndpointServiceConfiguration of `service` with the changes `f` makes.
    pub fn modify_service(service: &str, f: impl FnOnce(&mut Modify)) -> Cmd {
        let mut m = Modify {
            service_id: service.into(),
            ..Modify::default()
        };
        f(&mut m);
        Cmd::Modify(m)
    }
}
