package billing

limit := data.billing.limits[input.plan]
