//! Tells [`Ops`] whether the gateway is connected, from serenity's own view
//! of the shard: READY and RESUMED bring it up, any other stage (a dropped
//! connection, a reconnect under way) takes it down.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::all::{ConnectionStage, Context, EventHandler, Ready, ResumedEvent, ShardStageUpdateEvent};

use crate::ops::Ops;

/// A serenity event handler beside poise's: poise's framework never hears
/// shard stage changes.
pub struct GatewayWatch(Arc<Ops>);

impl GatewayWatch {
    pub fn new(ops: Arc<Ops>) -> GatewayWatch {
        GatewayWatch(ops)
    }
}

#[serenity::async_trait]
impl EventHandler for GatewayWatch {
    async fn ready(&self, _ctx: Context, _ready: Ready) {
        self.0.gateway_connected(true);
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        self.0.gateway_connected(true);
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        // The bot runs one shard, so its stage is the gateway's.
        self.0.gateway_connected(event.new == ConnectionStage::Connected);
    }
}
