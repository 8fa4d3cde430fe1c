-- Each Zoho transaction with its commissions (a full outer join on transaction_id), so that
-- transactions with no commission and commissions with no transaction both show. Commissions are
-- in USD whatever the transaction's currency (Zoho pays them so); transaction amounts stay in
-- their own currency. Reversal rows (negative, for refunds) are paired with the Base commission
-- they reverse: the same subscription and the opposite amount, earliest first.
with transactions as (
    select * from {{ ref('stg_zoho__transactions') }}
),

commissions as (
    select * from {{ ref('stg_zoho__commissions') }}
),

pairable as (
    select
        tenant,
        commission_id,
        subscription_id,
        is_reversal,
        abs(commission_amount) as absolute_amount,
        row_number() over (
            partition by tenant, subscription_id, is_reversal, abs(commission_amount)
            order by commission_date, commission_id
        ) as pair_rank
    from commissions
    where commission_amount != 0
),

reversal_pairs as (
    select
        reversals.tenant,
        reversals.commission_id as reversal_id,
        bases.commission_id as base_id
    from pairable as reversals
    inner join pairable as bases
        on bases.tenant = reversals.tenant
        and bases.subscription_id = reversals.subscription_id
        and bases.absolute_amount = reversals.absolute_amount
        and bases.pair_rank = reversals.pair_rank
        and not bases.is_reversal
    where reversals.is_reversal
),

joined as (
    select
        coalesce(transactions.tenant, commissions.tenant) as tenant,
        coalesce(transactions.transaction_id, commissions.transaction_id) as transaction_id,
        transactions.transaction_date,
        transactions.transaction_type,
        coalesce(transactions.subscription_id, commissions.subscription_id) as subscription_id,
        coalesce(transactions.customer_id, commissions.customer_id) as customer_id,
        transactions.customer_name,
        transactions.currency as transaction_currency,
        transactions.amount as transaction_amount,
        transactions.amount_usd as transaction_amount_usd,
        transactions.invoice_number,
        commissions.commission_id,
        commissions.commission_date,
        commissions.commission_type,
        commissions.commission_status,
        commissions.is_reversal,
        commissions.billing_entity,
        commissions.eligible_transaction_amount,
        commissions.commission_percentage,
        commissions.commission_amount,
        transactions.transaction_id is not null as has_transaction,
        commissions.commission_id is not null as has_commission
    from transactions
    full outer join commissions
        on commissions.tenant = transactions.tenant
        and commissions.transaction_id = transactions.transaction_id
)

select
    joined.tenant || '|' || coalesce(joined.transaction_id, '') || '|'
        || coalesce(joined.commission_id, '') as reconciliation_key,
    joined.tenant,
    joined.transaction_id,
    joined.transaction_date,
    joined.transaction_type,
    joined.subscription_id,
    'zoho:' || joined.tenant || ':' || joined.customer_id as customer_key,
    joined.customer_id,
    joined.customer_name,
    joined.transaction_currency,
    joined.transaction_amount,
    joined.transaction_amount_usd,
    joined.invoice_number,
    joined.commission_id,
    joined.commission_date,
    joined.commission_type,
    joined.commission_status,
    coalesce(joined.is_reversal, false) as is_reversal,
    joined.billing_entity,
    joined.eligible_transaction_amount,
    joined.commission_percentage,
    joined.commission_amount,
    {{ money_divide('joined.transaction_amount_usd * joined.commission_percentage', 100) }}
        as expected_commission_amount,
    joined.has_transaction,
    joined.has_commission,
    case
        when joined.has_transaction and joined.has_commission then 'matched'
        when joined.has_transaction and joined.transaction_amount = 0 then 'no_commission_expected'
        when joined.has_transaction then 'transaction_without_commission'
        else 'commission_without_transaction'
    end as reconciliation_status,
    reversed.base_id as reversed_commission_id,
    reversing.reversal_id as reversed_by_commission_id,
    as_of.as_of
from joined
left join reversal_pairs as reversed
    on reversed.tenant = joined.tenant and reversed.reversal_id = joined.commission_id
left join reversal_pairs as reversing
    on reversing.tenant = joined.tenant and reversing.base_id = joined.commission_id
{{ join_as_of("'zoho'") }}
