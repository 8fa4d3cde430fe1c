select
    tenant,
    subscriptions."subscriptionId" as subscription_id,
    subscriptions."customerId" as customer_id,
    subscriptions."offerId" as offer_id,
    subscriptions."currentQuantity" as current_quantity,
    subscriptions."usedQuantity" as used_quantity,
    cast({{ json_text('subscriptions."autoRenewal"', ['enabled']) }} as boolean)
        as is_auto_renewal,
    cast({{ json_text('subscriptions."autoRenewal"', ['renewalQuantity']) }} as integer)
        as renewal_quantity,
    subscriptions."renewalDate" as renewal_date,
    subscriptions."currencyCode" as currency,
    subscriptions."deploymentId" as deployment_id,
    subscriptions.status as status_code,
    coalesce(codes.status_name, 'unknown') as status,
    subscriptions."creationDate" as created_at,
    {{ utc_date('subscriptions."creationDate"') }} as start_date
from {{ live_source('adobe', 'subscriptions') }} as subscriptions
{{ adobe_status_join('subscriptions.status', 'subscription', 'codes') }}
