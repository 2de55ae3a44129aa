"""Subscription plans, their entitlements, and the plan-sync API for billing systems."""
